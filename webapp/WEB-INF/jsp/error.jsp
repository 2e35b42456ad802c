<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" isErrorPage="true" %><!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Error · Chat Rooms</title>
  <link rel="stylesheet" href="${pageContext.request.contextPath}/static/chat.css">
</head>
<body>
<main class="index">
  <h1>Something went wrong</h1>
  <p>The server could not answer this request. Please try again.</p>
  <p><a href="${pageContext.request.contextPath}/chat/">Choose a room</a></p>
</main>
</body>
</html>
