<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" isErrorPage="true" %><!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Not found · Chat Rooms</title>
  <link rel="stylesheet" href="${pageContext.request.contextPath}/static/chat.css">
</head>
<body>
<main class="index">
  <h1>Not found</h1>
  <p>There is no such page. Room names are 1 to 100 letters, digits or underscores.</p>
  <p><a href="${pageContext.request.contextPath}/chat/">Choose a room</a></p>
</main>
</body>
</html>
