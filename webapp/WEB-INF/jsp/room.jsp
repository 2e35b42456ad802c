<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" %><!DOCTYPE html>
<%-- Texts come from UiText (request attribute "text"), our own strings; the room name is escaped by Html. --%>
<html lang="${text.languageTag()}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${roomHtml} · ${text['app.name']}</title>
  <link rel="icon" href="${pageContext.request.contextPath}/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="${pageContext.request.contextPath}/static/chat.css">
  <%-- #room-name is what the original tutorial's page had; #chat-config carries the rest. --%>
  <script id="room-name" type="application/json">${roomJson}</script>
  <script id="chat-config" type="application/json">${pageJson}</script>
  <script src="${pageContext.request.contextPath}/static/names.js" defer></script>
  <script src="${pageContext.request.contextPath}/static/room.js" defer></script>
</head>
<body>
<main class="room">
  <header class="room-header">
    <a class="back" href="${pageContext.request.contextPath}/chat/">${text['room.back']}</a>
    <h1>${roomHtml}</h1>
    <div class="connection">
      <span id="connection-status" class="status connecting" role="status">${text['js.status.connecting']}</span>
      <button id="reconnect-now" class="link-button" type="button" hidden>${text['room.retry']}</button>
    </div>
  </header>
  <div class="field name-field" id="display-name-field">
    <label for="display-name-input">${text['name.label']}</label>
    <input id="display-name-input" type="text" autocomplete="nickname" enterkeyhint="done" spellcheck="false"
           placeholder="${text['js.anonymous']}" aria-describedby="display-name-error">
    <p id="display-name-error" class="field-error" hidden></p>
  </div>
  <p id="signed-in" class="signed-in" hidden>${text['name.signedIn']} <strong id="signed-in-name" dir="auto"></strong></p>
  <section class="presence" aria-label="${text['room.presence.label']}">
    <h2 class="visually-hidden">${text['room.presence.label']}</h2>
    <ul id="presence-list" class="presence-list" aria-live="polite"></ul>
    <span id="presence-guests" class="presence-guests" hidden></span>
  </section>
  <div class="log-area">
    <ol id="chat-log" aria-live="polite" aria-relevant="additions" aria-label="${text['room.log.label']}" tabindex="0"
        data-empty="${text['room.empty']}"></ol>
    <button id="new-messages" class="new-messages" type="button" hidden>${text['room.newMessages']}</button>
  </div>
  <div class="composer">
    <label for="chat-message-input" class="visually-hidden">${text['room.message.label']}</label>
    <textarea id="chat-message-input" rows="2" autofocus enterkeyhint="send" placeholder="${text['room.message.label']}"
              aria-describedby="composer-hint"></textarea>
    <button id="chat-message-submit" type="button">${text['js.send']}</button>
  </div>
  <p id="composer-hint" class="help" aria-live="polite">${text['js.hint']}</p>
</main>
</body>
</html>
