// Room page: one WebSocket to <context>/ws/chat/<room>/, messages rendered as text.
'use strict';
(function () {
  const roomName = JSON.parse(document.getElementById('room-name').textContent);
  const log = document.getElementById('chat-log');
  const input = document.getElementById('chat-message-input');
  const submit = document.getElementById('chat-message-submit');
  const status = document.getElementById('connection-status');

  // This page is <context>/chat/<room>/, so the socket is two levels up.
  const socketUrl = new URL('../../ws/chat/' + encodeURIComponent(roomName) + '/', window.location.href);
  socketUrl.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';

  let socket;

  function connect() {
    status.textContent = 'connecting';
    socket = new WebSocket(socketUrl.href);
    socket.addEventListener('open', function () { status.textContent = 'connected'; });
    socket.addEventListener('close', function () { status.textContent = 'offline'; });
    socket.addEventListener('message', function (event) { show(JSON.parse(event.data)); });
  }

  function show(data) {
    const item = document.createElement('li');
    item.className = data.type === 'error' ? 'error' : 'message';
    item.textContent = (data.user ? data.user + ': ' : '') + data.message;
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function send() {
    const text = input.value;
    if (!text.trim() || !socket || socket.readyState !== WebSocket.OPEN) {
      return;
    }
    socket.send(JSON.stringify({ message: text }));
    input.value = '';
  }

  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      send();
    }
  });
  submit.addEventListener('click', send);
  connect();
}());
