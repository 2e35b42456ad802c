// Shared by the index and room pages: the page configuration and the display name kept in this browser.
'use strict';
window.Chat = (function () {
  const config = JSON.parse(document.getElementById('chat-config').textContent);
  const NAME_KEY = 'chat.displayName';
  // The server's rules (DisplayName.java): letters, marks, digits and _ - . ' · in words separated by single
  // spaces, no word starting with a combining mark. Checked here too so a bad name is reported while typing.
  const NAME_WORD = "(?!\\p{M})[\\p{L}\\p{M}\\p{N}_\\-.'\u00B7]+";
  const NAME_PATTERN = new RegExp('^' + NAME_WORD + '(?: ' + NAME_WORD + ')*$', 'u');
  const ROOM_PATTERN = /^[\p{L}\p{N}_]{1,100}$/u;
  // Storage may be unavailable (privacy modes, disabled cookies): the name then lasts as long as the page.
  let memoryName = '';

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  /** Fills {0} in a text of config.text with value. */
  function text(key, value) {
    const template = config.text[key] || key;
    return value === undefined ? template : template.replace('{0}', value);
  }

  function isValidName(name) {
    return name === '' || ([...name].length <= config.nameMaxLength && NAME_PATTERN.test(name));
  }

  function loadName() {
    const store = storage();
    try {
      const stored = store ? store.getItem(NAME_KEY) : null;
      return stored !== null && isValidName(stored) ? stored : memoryName;
    } catch (e) {
      return memoryName;
    }
  }

  /** Saves a valid name (empty = anonymous) and returns true; returns false and saves nothing otherwise. */
  function saveName(name) {
    if (!isValidName(name)) {
      return false;
    }
    memoryName = name;
    const store = storage();
    try {
      if (store && name) {
        store.setItem(NAME_KEY, name);
      } else if (store) {
        store.removeItem(NAME_KEY);
      }
    } catch (e) {
      // quota or privacy mode: memoryName keeps it for this page
    }
    return true;
  }

  /**
   * Wires a name field: shows the saved name, saves on change, reports a bad name next to the field.
   * Returns a function that tells whether the field currently holds an acceptable name.
   */
  function bindNameField(input, error) {
    input.maxLength = config.nameMaxLength * 2; // UTF-16 units; the real limit counts characters
    input.value = loadName();

    function check() {
      const name = input.value.trim();
      const valid = isValidName(name);
      input.setAttribute('aria-invalid', String(!valid));
      error.hidden = valid;
      error.textContent = valid ? '' : text('name.invalid');
      return valid;
    }

    input.addEventListener('input', check);
    input.addEventListener('change', function () {
      input.value = input.value.trim();
      if (check()) {
        saveName(input.value);
      }
    });
    window.addEventListener('storage', function (event) {
      if (event.key === NAME_KEY && document.activeElement !== input) {
        input.value = loadName();
        check();
      }
    });
    return check;
  }

  return {
    config: config,
    text: text,
    loadName: loadName,
    saveName: saveName,
    bindNameField: bindNameField,
    isValidRoom: function (room) { return ROOM_PATTERN.test(room); }
  };
}());
