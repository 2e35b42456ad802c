<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" isErrorPage="true" %><!DOCTYPE html>
<html lang="${text.languageTag()}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${text['error.title']} · ${text['app.name']}</title>
  <link rel="icon" href="${pageContext.request.contextPath}/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="${pageContext.request.contextPath}/static/chat.css">
</head>
<body>
<main class="index">
  <h1>${text['error.title']}</h1>
  <p>${text['error.text']}</p>
  <p><a href="${pageContext.request.contextPath}/chat/">${text['back.toRooms']}</a></p>
</main>
</body>
</html>
