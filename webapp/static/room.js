// Room page: one WebSocket to <context>/ws/chat/<room>/ that reconnects by itself, a log rendered as text only,
// and an outbox so that nothing typed is lost while the connection is down.
'use strict';
(function () {
  const config = Chat.config;
  const roomName = config.room;
  const log = document.getElementById('chat-log');
  const input = document.getElementById('chat-message-input');
  const submit = document.getElementById('chat-message-submit');
  const status = document.getElementById('connection-status');
  const reconnectNow = document.getElementById('reconnect-now');
  const hint = document.getElementById('composer-hint');
  const newMessages = document.getElementById('new-messages');
  const nameInput = document.getElementById('display-name-input');
  const nameError = document.getElementById('display-name-error');
  const presenceList = document.getElementById('presence-list');
  const presenceGuests = document.getElementById('presence-guests');

  // Reconnect policy: the n-th retry waits a random time between half and all of min(30 s, 0.5 s * 2^n)
  // ("equal jitter"), so the sockets a restarting node dropped all at once come back spread out instead of in
  // one burst. The count resets only after a connection stayed up for a while, so a server that accepts and
  // then drops at once is not hammered either.
  const RETRY_BASE_MS = 500;
  const RETRY_MAX_MS = 30000;
  const STABLE_AFTER_MS = 5000;
  const MAX_LOG_ITEMS = 1000;
  const STICK_TO_BOTTOM_PX = 32;
  // Join and leave lines within this time of each other share one line of the log.
  const COALESCE_MS = 10000;

  // This page is <context>/chat/<room>/, so the socket is two levels up; wss: when the page came over https.
  const socketUrl = new URL('../../ws/chat/' + encodeURIComponent(roomName) + '/', window.location.href);
  socketUrl.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';

  // Kept per tab and room, so a reload does not lose a draft or a message still waiting to be sent.
  const DRAFT_KEY = 'chat.draft.' + roomName;
  const OUTBOX_KEY = 'chat.outbox.' + roomName;

  const timeFormat = new Intl.DateTimeFormat(config.lang, { hour: 'numeric', minute: '2-digit' });
  const dateTimeFormat = new Intl.DateTimeFormat(config.lang,
    { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
  const fullFormat = new Intl.DateTimeFormat(config.lang, { dateStyle: 'full', timeStyle: 'long' });

  let socket = null;
  let retries = 0;
  let retryTimer = null;
  let stableTimer = null;
  /**
   * What this window sent and the server has not echoed yet, oldest first: {text, cid, item, state} with
   * state 'queued' (waiting for a connection) or 'sent' (written to the socket). Each entry has its own client
   * id (cid), which the server copies into the echo and into any error about that message: the acknowledgement
   * is exact. An entry still 'sent' when the socket drops is sent again after reconnecting, marked as a resend
   * (resend: true), so a message is never silently lost and the room does not take it twice: the server publishes
   * a resend only if the room's history lacks it (same name, same cid; limits in docs/streams.md); this window
   * shows it once either way.
   */
  const outbox = [];
  /**
   * The room's stream position of the last message shown, {epoch, id}; the socket resumes after it on every
   * reconnect (?since=&epoch=), so messages sent while it was away arrive, and frames at or before it are
   * already shown and dropped.
   */
  let position = null;
  /** Client ids of messages shown, so a message sent twice (see outbox) shows once. */
  const shownCids = new Set();
  let cidCounter = 0;

  // ---- names ----

  let checkName = function () { return true; };
  if (config.user) {
    // The container authenticated this user: the server uses that name whatever the page sends.
    document.getElementById('display-name-field').hidden = true;
    document.getElementById('signed-in').hidden = false;
    document.getElementById('signed-in-name').textContent = config.user;
  } else {
    checkName = Chat.bindNameField(nameInput, nameError);
    nameInput.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        nameInput.dispatchEvent(new Event('change'));
        if (checkName()) {
          input.focus();
        }
      }
    });
  }

  /** The name the server will show our messages with. */
  function ownName() {
    return config.user || Chat.loadName() || 'anonymous';
  }

  // ---- storage ----

  function session(action) {
    try {
      return action(window.sessionStorage);
    } catch (e) {
      return null; // storage disabled: drafts then live as long as the page
    }
  }

  function saveOutbox() {
    session(function (store) {
      const entries = outbox.map(function (entry) { return { text: entry.text, cid: entry.cid }; });
      if (entries.length) {
        store.setItem(OUTBOX_KEY, JSON.stringify(entries));
      } else {
        store.removeItem(OUTBOX_KEY);
      }
    });
  }

  /** A client id unique to this tab: random part, then a counter. */
  function newCid() {
    const random = (window.crypto && window.crypto.getRandomValues)
      ? Array.from(window.crypto.getRandomValues(new Uint32Array(2)), function (n) { return n.toString(36); }).join('')
      : Math.random().toString(36).slice(2);
    cidCounter++;
    return 'p' + random + '-' + cidCounter;
  }

  function saveDraft() {
    session(function (store) {
      if (input.value) {
        store.setItem(DRAFT_KEY, input.value);
      } else {
        store.removeItem(DRAFT_KEY);
      }
    });
  }

  // ---- the log ----

  function isNearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight <= STICK_TO_BOTTOM_PX;
  }

  function scrollToBottom() {
    log.scrollTop = log.scrollHeight;
    newMessages.hidden = true;
  }

  /** Adds a confirmed item above the pending ones and follows it, unless the reader scrolled up. */
  function append(item, follow) {
    const stick = follow || isNearBottom();
    log.insertBefore(item, log.querySelector('li.pending'));
    while (log.children.length > MAX_LOG_ITEMS) {
      log.removeChild(log.firstElementChild);
    }
    if (stick) {
      scrollToBottom();
    } else {
      newMessages.hidden = false;
    }
  }

  function element(tag, className, content) {
    const node = document.createElement(tag);
    node.className = className;
    if (content !== undefined) {
      node.textContent = content; // text only: a message is never parsed as HTML
    }
    return node;
  }

  /**
   * Text that people wrote (a name, a message) in an element of its own direction (dir=auto: a Hebrew message
   * reads right to left) and bidi-isolated (chat.css), so an override character or a right-to-left run in it
   * cannot reorder the name, time or messages around it.
   */
  function peopleText(tag, className, content) {
    const node = element(tag, className, content);
    node.dir = 'auto';
    return node;
  }

  function displayUser(user) {
    return user === 'anonymous' ? Chat.text('anonymous') : user;
  }

  function timeElement(iso) {
    const when = new Date(iso);
    const time = element('time', 'time');
    if (!isNaN(when)) {
      time.dateTime = iso;
      time.textContent = (when.toDateString() === new Date().toDateString() ? timeFormat : dateTimeFormat)
        .format(when);
      time.title = fullFormat.format(when);
    }
    return time;
  }

  /** The mark of a name the server vouches for (the container authenticated it); guests never get it. */
  function verifiedMark() {
    const mark = element('span', 'verified-mark', '\u2713');
    mark.title = Chat.text('presence.verified');
    mark.setAttribute('aria-label', Chat.text('presence.verified'));
    return mark;
  }

  function messageItem(data, own) {
    const item = element('li', own ? 'message own' : 'message');
    const meta = element('div', 'meta');
    meta.appendChild(peopleText('span', 'user', displayUser(String(data.user || 'anonymous'))));
    if (data.verified === true) {
      item.dataset.verified = 'true';
      meta.appendChild(verifiedMark());
    }
    if (own) {
      meta.appendChild(element('span', 'you', Chat.text('you')));
    }
    meta.appendChild(timeElement(data.ts));
    item.appendChild(meta);
    item.appendChild(peopleText('div', 'text', String(data.message)));
    if (data.id !== undefined) {
      item.dataset.id = String(data.id);
    }
    return item;
  }

  function noticeItem(message, className) {
    const item = element('li', className);
    item.appendChild(peopleText('div', 'text', message));
    return item;
  }

  function pendingItem(entry) {
    const item = element('li', 'message own pending');
    const meta = element('div', 'meta');
    meta.appendChild(peopleText('span', 'user', displayUser(ownName())));
    meta.appendChild(element('span', 'state'));
    item.appendChild(meta);
    item.appendChild(peopleText('div', 'text', entry.text));
    log.appendChild(item);
    return item;
  }

  function showState(entry) {
    entry.item.querySelector('.state').textContent =
      Chat.text(entry.state === 'sent' ? 'pending.sending' : 'pending.queued');
  }

  // ---- receiving ----

  function receive(frame) {
    let data;
    try {
      data = JSON.parse(frame);
    } catch (e) {
      return;
    }
    if (data === null || typeof data !== 'object') {
      return;
    }
    if (data.type === 'error') {
      rejected(data);
    } else if (data.type === 'chat.message' || (data.type === undefined && 'message' in data)) {
      if (isShown(data)) {
        return;
      }
      const own = acknowledge(data);
      const item = messageItem(data, own);
      if (data.history) {
        item.classList.add('history');
      }
      append(item, own);
    } else if (data.type === 'gap') {
      append(noticeItem(Chat.text('gap'), 'gap'), false);
    } else if (data.type === 'presence') {
      showPresence(data);
    } else if (data.type === 'join' || data.type === 'leave') {
      presenceChange(data);
    } else if (typeof data.message === 'string') {
      append(noticeItem(data.message, 'notice'), false);
    }
  }

  // ---- who is here ----

  /** The room's named members over every node, user|verified -> {user, verified}; guests only counted. */
  let members = new Map();
  let guests = 0;
  /** The last join/leave line of the log, while later changes may still join it: {item, joined, left, at}. */
  let lastChange = null;

  function memberKey(user, verified) {
    return (verified ? '1|' : '0|') + user;
  }

  function isSelf(user, verified) {
    return user === ownName() && verified === Boolean(config.user);
  }

  /** The list the server sends after the history on every (re)connect: it replaces what was shown. */
  function showPresence(data) {
    members = new Map();
    guests = 0;
    (Array.isArray(data.users) ? data.users : []).forEach(function (entry) {
      const user = String(entry.user);
      const verified = entry.verified === true;
      if (user === 'anonymous' && !verified) {
        guests = Number(entry.connections) || 0;
      } else {
        members.set(memberKey(user, verified), { user: user, verified: verified });
      }
    });
    lastChange = null;
    renderPresence();
  }

  /** A name's first connection arrived, or its last one left, on any server. */
  function presenceChange(data) {
    const user = String(data.user);
    const verified = data.verified === true;
    const joined = data.type === 'join';
    if (joined) {
      members.set(memberKey(user, verified), { user: user, verified: verified });
    } else {
      members.delete(memberKey(user, verified));
    }
    renderPresence();
    if (!isSelf(user, verified)) {
      noteChange(displayUser(user), joined);
    }
  }

  function renderPresence() {
    presenceList.textContent = '';
    Array.from(members.values()).sort(function (a, b) {
      return (Number(b.verified) - Number(a.verified)) || a.user.localeCompare(b.user);
    }).forEach(function (member) {
      const item = peopleText('li', isSelf(member.user, member.verified) ? 'self' : '', member.user);
      item.dataset.user = member.user;
      if (member.verified) {
        item.dataset.verified = 'true';
        item.appendChild(verifiedMark());
      }
      presenceList.appendChild(item);
    });
    presenceGuests.hidden = guests === 0;
    presenceGuests.textContent = guests === 1 ? Chat.text('presence.guest') : Chat.text('presence.guests', guests);
  }

  /**
   * A join or leave line in the log, small and grey; changes within COALESCE_MS of the last one, with nothing
   * said in between, share its line ("bob, carol joined · dave left"), and a name that left and came back (a
   * reload) cancels out, so a busy room's comings and goings do not drown the conversation.
   */
  function noteChange(name, joined) {
    const now = Date.now();
    const last = lastChange;
    const stillLast = last !== null && now - last.at < COALESCE_MS && last.item.isConnected
      && (last.item.nextElementSibling === null || last.item.nextElementSibling.classList.contains('pending'));
    const change = stillLast ? last : { item: element('li', 'presence-change'), joined: [], left: [], at: now };
    const same = joined ? change.joined : change.left;
    const opposite = joined ? change.left : change.joined;
    const at = opposite.indexOf(name);
    if (at >= 0) {
      opposite.splice(at, 1);
    } else if (same.indexOf(name) < 0) {
      same.push(name);
    }
    const parts = [];
    if (change.joined.length) {
      parts.push(Chat.text('presence.joined', change.joined.join(', ')));
    }
    if (change.left.length) {
      parts.push(Chat.text('presence.left', change.left.join(', ')));
    }
    change.item.textContent = parts.join(' \u00B7 ');
    change.item.dir = 'auto';
    if (!parts.length) {
      change.item.remove();
      lastChange = null;
      return;
    }
    if (!stillLast) {
      append(change.item, false);
    }
    lastChange = change;
  }

  /**
   * Whether this message is on screen already (a history frame overlapping what was shown before a reconnect,
   * or a second copy of a message this window sent twice); otherwise it becomes the last position shown.
   */
  function isShown(data) {
    if (typeof data.id === 'number' && typeof data.epoch === 'string') {
      if (position !== null && position.epoch === data.epoch && data.id <= position.id) {
        return true;
      }
      position = { epoch: data.epoch, id: data.id };
    }
    if (typeof data.cid === 'string') {
      if (shownCids.has(data.cid)) {
        return true;
      }
      shownCids.add(data.cid);
    }
    return false;
  }

  /** True when the message is the echo of one this window sent; that entry leaves the outbox. */
  function acknowledge(data) {
    const index = typeof data.cid !== 'string' ? -1 : outbox.findIndex(function (entry) {
      return entry.cid === data.cid;
    });
    if (index < 0) {
      return false;
    }
    const entry = outbox.splice(index, 1)[0];
    entry.item.remove();
    saveOutbox();
    return true;
  }

  /**
   * An error frame. One about a message names it by its cid: that one is marked as not sent and its text handed
   * back to the composer to fix. Others (the chat is unavailable, a bad position) are shown as notices.
   */
  function rejected(data) {
    const reason = String(data.message || data.code || '');
    if (data.code === 'invalid_name' && !config.user) {
      nameError.hidden = false;
      nameError.textContent = reason;
    }
    const index = typeof data.cid !== 'string' ? -1
      : outbox.findIndex(function (entry) { return entry.cid === data.cid; });
    if (index < 0) {
      append(noticeItem(Chat.text('error', reason), 'error'), false);
      return;
    }
    const entry = outbox.splice(index, 1)[0];
    saveOutbox();
    entry.item.remove();
    const item = noticeItem(entry.text, 'error');
    item.insertBefore(element('div', 'meta', Chat.text('failed', reason)), item.firstChild);
    append(item, true);
    if (!input.value) {
      input.value = entry.text;
      saveDraft();
    }
  }

  // ---- sending ----

  function isOpen() {
    return socket !== null && socket.readyState === WebSocket.OPEN;
  }

  function send() {
    const body = input.value;
    if (!body.trim()) {
      input.focus();
      return;
    }
    if ([...body].length > config.maxMessageChars) {
      hint.textContent = Chat.text('tooLong', config.maxMessageChars);
      hint.classList.add('field-error');
      return;
    }
    const entry = { text: body, cid: newCid(), state: 'queued', item: null };
    entry.item = pendingItem(entry);
    outbox.push(entry);
    input.value = '';
    saveDraft();
    saveOutbox();
    flush();
    showState(entry);
    scrollToBottom();
    updateComposer();
  }

  /** Writes every queued entry, in order, while the socket is open. */
  function flush() {
    if (!isOpen()) {
      return;
    }
    const frameUser = config.user ? null : Chat.loadName();
    outbox.forEach(function (entry) {
      if (entry.state !== 'queued') {
        return;
      }
      const frame = { message: entry.text, cid: entry.cid };
      if (entry.resend) {
        frame.resend = true; // it may have reached the room unseen: the server publishes it only if not
      }
      if (frameUser) {
        frame.user = frameUser; // optional member; without it the server says "anonymous"
      }
      socket.send(JSON.stringify(frame));
      entry.state = 'sent';
      showState(entry);
    });
  }

  // ---- connection ----

  function setStatus(state) {
    status.className = 'status ' + state;
    status.dataset.state = state;
    status.textContent = Chat.text('status.' + state);
    reconnectNow.hidden = state === 'connected' || state === 'connecting';
    updateComposer();
  }

  /** The send control says what pressing it does now: send, or keep the message until reconnected. */
  function updateComposer() {
    const online = isOpen();
    submit.textContent = Chat.text(online ? 'send' : 'sendLater');
    hint.classList.remove('field-error');
    hint.textContent = Chat.text(online ? 'hint' : 'hint.offline');
  }

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (socket !== null) {
      return;
    }
    const url = new URL(socketUrl.href);
    const name = config.user ? '' : Chat.loadName();
    if (name) {
      url.searchParams.set('user', name); // this connection's name, in the room's list before it says anything
    }
    if (position !== null) {
      url.searchParams.set('since', String(position.id));
      url.searchParams.set('epoch', position.epoch);
    }
    const ws = new WebSocket(url.href);
    socket = ws;
    setStatus(retries === 0 ? 'connecting' : 'reconnecting');
    ws.addEventListener('open', function () {
      if (socket !== ws) {
        return;
      }
      stableTimer = setTimeout(function () { retries = 0; }, STABLE_AFTER_MS);
      setStatus('connected');
      flush();
    });
    ws.addEventListener('message', function (event) {
      if (socket === ws) {
        receive(event.data);
      }
    });
    ws.addEventListener('close', function () {
      if (socket !== ws) {
        return;
      }
      socket = null;
      clearTimeout(stableTimer);
      requeueUnacknowledged();
      scheduleReconnect();
    });
  }

  /** The socket is gone: what it did not acknowledge is sent again once reconnected, rather than lost. */
  function requeueUnacknowledged() {
    outbox.forEach(function (entry) {
      entry.resend = entry.resend || entry.state === 'sent'; // it may have reached the room unseen
      entry.state = 'queued';
      showState(entry);
    });
  }

  function scheduleReconnect() {
    const ceiling = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * Math.pow(2, retries));
    retries++;
    retryTimer = setTimeout(connect, ceiling / 2 + Math.random() * ceiling / 2);
    setStatus(navigator.onLine === false ? 'offline' : 'reconnecting');
  }

  reconnectNow.addEventListener('click', connect);
  // Leaving the page closes the socket at once, so the room's list drops this window now: a page kept in the
  // back-forward cache would otherwise keep its socket, and its place in the list, open. Coming back reconnects.
  window.addEventListener('pagehide', function (event) {
    if (event.persisted && socket !== null) {
      const ws = socket;
      socket = null; // its close event is then ignored: requeue here
      clearTimeout(retryTimer);
      requeueUnacknowledged();
      ws.close(1000, 'page hidden');
    }
  });
  window.addEventListener('pageshow', function (event) {
    if (event.persisted && socket === null) {
      connect();
    }
  });
  window.addEventListener('online', function () {
    if (socket === null) {
      connect();
    }
  });
  window.addEventListener('offline', function () {
    if (socket === null) {
      setStatus('offline');
    }
  });

  // ---- keyboard and controls ----

  input.addEventListener('keydown', function (event) {
    // Enter that confirms an input method composition (Chinese, Japanese, Korean) only ends the composition:
    // isComposing says so in current browsers, keyCode 229 in Safari, which ends the composition first.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      send();
    }
  });
  input.addEventListener('input', saveDraft);
  submit.addEventListener('click', function () {
    send();
    input.focus();
  });
  newMessages.addEventListener('click', scrollToBottom);
  log.addEventListener('scroll', function () {
    if (isNearBottom()) {
      newMessages.hidden = true;
    }
  });

  // ---- start ----

  session(function (store) {
    input.value = store.getItem(DRAFT_KEY) || '';
    JSON.parse(store.getItem(OUTBOX_KEY) || '[]').forEach(function (saved) {
      // Kept as {text, cid}; a plain string is what an older version of this page kept.
      const text = typeof saved === 'string' ? saved : String(saved.text);
      const kept = typeof saved === 'object' && saved !== null && typeof saved.cid === 'string';
      // With its cid it may have been sent before the page reloaded: a resend, which the room takes only if new.
      const entry = { text: text, cid: kept ? saved.cid : newCid(), state: 'queued', item: null, resend: kept };
      entry.item = pendingItem(entry);
      showState(entry);
      outbox.push(entry);
    });
  });
  connect();
}());
