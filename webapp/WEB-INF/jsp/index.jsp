<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" %><!DOCTYPE html>
<%-- Texts come from UiText (request attribute "text"), our own strings; values from users are escaped by Html. --%>
<html lang="${text.languageTag()}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${text['app.name']}</title>
  <link rel="icon" href="${pageContext.request.contextPath}/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="${pageContext.request.contextPath}/static/chat.css">
  <script id="chat-config" type="application/json">${pageJson}</script>
  <script src="${pageContext.request.contextPath}/static/names.js" defer></script>
  <script src="${pageContext.request.contextPath}/static/index.js" defer></script>
</head>
<body>
<main class="index">
  <h1>${text['app.name']}</h1>
  <div class="field">
    <label for="room-name-input">${text['index.room.label']}</label>
    <div class="row">
      <input id="room-name-input" type="text" size="30" maxlength="100" autocomplete="off" autofocus
             enterkeyhint="go" aria-describedby="room-name-help room-name-error">
      <button id="room-name-submit" type="button">${text['index.room.submit']}</button>
    </div>
    <p id="room-name-help" class="help">${text['index.room.help']}</p>
    <p id="room-name-error" class="field-error" hidden></p>
  </div>
  <div class="field" id="display-name-field">
    <label for="display-name-input">${text['name.label']}</label>
    <input id="display-name-input" type="text" autocomplete="nickname" enterkeyhint="go" spellcheck="false"
           placeholder="${text['js.anonymous']}" aria-describedby="display-name-help display-name-error">
    <p id="display-name-help" class="help">${text['name.help']}</p>
    <p id="display-name-error" class="field-error" hidden></p>
  </div>
</main>
</body>
</html>
