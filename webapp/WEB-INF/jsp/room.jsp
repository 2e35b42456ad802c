<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" %><!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${roomHtml} · Chat Rooms</title>
  <link rel="stylesheet" href="${pageContext.request.contextPath}/static/chat.css">
  <script id="room-name" type="application/json">${roomJson}</script>
  <script src="${pageContext.request.contextPath}/static/room.js" defer></script>
</head>
<body>
<main class="room">
  <header>
    <h1>${roomHtml}</h1>
    <span id="connection-status" role="status">connecting</span>
  </header>
  <ol id="chat-log" aria-live="polite" aria-label="Messages"></ol>
  <div class="row">
    <label for="chat-message-input" class="visually-hidden">Message</label>
    <textarea id="chat-message-input" rows="2" autofocus></textarea>
    <button id="chat-message-submit" type="button">Send</button>
  </div>
</main>
</body>
</html>
