<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" %><!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Chat Rooms</title>
  <link rel="stylesheet" href="${pageContext.request.contextPath}/static/chat.css">
  <script src="${pageContext.request.contextPath}/static/index.js" defer></script>
</head>
<body>
<main class="index">
  <h1>Chat Rooms</h1>
  <label for="room-name-input">What chat room would you like to enter?</label>
  <div class="row">
    <input id="room-name-input" type="text" size="30" maxlength="100" autocomplete="off" autofocus
           pattern="[\p{L}\p{N}_]{1,100}" aria-describedby="room-name-help">
    <button id="room-name-submit" type="button">Enter</button>
  </div>
  <p id="room-name-help" class="help">Letters, digits and underscores, for example <code>2330</code> or <code>lobby_1</code>.</p>
</main>
</body>
</html>
