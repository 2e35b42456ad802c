// Index page: go to <context>/chat/<room>/ for the typed room name (Enter or the button), after saving the name.
'use strict';
(function () {
  const roomInput = document.getElementById('room-name-input');
  const submit = document.getElementById('room-name-submit');
  const roomError = document.getElementById('room-name-error');
  const nameInput = document.getElementById('display-name-input');
  const nameIsValid = Chat.bindNameField(nameInput, document.getElementById('display-name-error'));

  function enter() {
    const room = roomInput.value.trim();
    const roomValid = Chat.isValidRoom(room);
    roomError.hidden = roomValid || room === '';
    roomError.textContent = roomError.hidden ? '' : Chat.text('room.invalid');
    roomInput.setAttribute('aria-invalid', String(!roomError.hidden));
    if (!roomValid) {
      roomInput.focus();
      return;
    }
    if (!nameIsValid()) {
      nameInput.focus();
      return;
    }
    Chat.saveName(nameInput.value.trim());
    // Relative URL keeps the context path: this page is <context>/chat/.
    window.location.href = encodeURIComponent(room) + '/';
  }

  // Enter that confirms an input method composition (CJK) only ends the composition.
  function onEnter(event) {
    if (event.key === 'Enter' && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      enter();
    }
  }

  roomInput.addEventListener('keydown', onEnter);
  nameInput.addEventListener('keydown', onEnter);
  submit.addEventListener('click', enter);
}());
