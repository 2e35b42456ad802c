// Index page: go to /chat/<room>/ for the typed room name (Enter or the button).
'use strict';
(function () {
  const input = document.getElementById('room-name-input');
  const submit = document.getElementById('room-name-submit');

  function enter() {
    const name = input.value.trim();
    if (!name) {
      input.focus();
      return;
    }
    // Relative URL keeps the context path: this page is <context>/chat/.
    window.location.href = encodeURIComponent(name) + '/';
  }

  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      enter();
    }
  });
  submit.addEventListener('click', enter);
}());
