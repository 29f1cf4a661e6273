// The Live training page's frame player (ui/widgets/training_live.py).
//
// While playing, each message from the server carries a few frames (the live block's HTML at
// consecutive moments of training). They are played one after another, spaced over the time
// until the next message is due, into the live block already on the page: only what changed
// (a number, the picture's source, a ring's position) is written, so the browser neither
// rebuilds the block nor re-renders the page for every frame.
//
// The spacing is the median of the last few messages' intervals, over their frames: one late
// message (the server's or the tab's hiccup) does not stretch it, which made the player skip
// animation frames with frames waiting, then drop them at the queue's cap (bench/
// live_training.py: ~3 of 60 a second). And when a whole message's frames wait behind the
// one due, the next is shown at the next animation frame whatever the spacing (catching up).
//
// While playing, the messages come on a websocket of their own (ui/widgets/frame_socket.py),
// which `listen` opens: a message is {"frames": [...], "net": [diagram id, scene]} ("net"
// every few messages). Sent as Streamlit elements instead (where that socket is missing),
// each message is a script calling `play`.
//
// Streamlit's HTML sanitiser drops a script whose text has a "less than" sign followed by a
// letter or a slash, so none is written in here (tests/ui/test_training_live.py checks).
(function () {
  if (window.xentLive) return;
  var queue = [];
  var run = null; // the script run whose live block the frames belong to (data-run)
  var lastShown = 0;
  var lastMessage = 0;
  var gap = 0; // ms between two frames of a message
  var intervals = []; // ms between the last few messages
  var perMessage = 1; // frames in the last message
  var ticking = false;
  var socket = null; // the playing run's websocket, while it is open

  function liveBlock() {
    return document.querySelector('[data-testid="tr-live"]');
  }

  // Make the element `a` (on the page) equal to `b` (just parsed), touching only what differs.
  function morph(a, b) {
    var i;
    var gone = Array.from(a.attributes);
    for (i = 0; gone.length > i; i++) {
      if (!b.hasAttribute(gone[i].name)) a.removeAttribute(gone[i].name);
    }
    var attrs = Array.from(b.attributes);
    for (i = 0; attrs.length > i; i++) {
      if (a.getAttribute(attrs[i].name) !== attrs[i].value) {
        a.setAttribute(attrs[i].name, attrs[i].value);
      }
    }
    var have = a.childNodes;
    var want = Array.from(b.childNodes);
    for (i = 0; want.length > i; i++) {
      var x = have[i];
      var y = want[i];
      if (!x) {
        a.appendChild(y);
      } else if (x.nodeType !== y.nodeType || x.nodeName !== y.nodeName) {
        a.replaceChild(y, x);
      } else if (x.nodeType === 1) {
        morph(x, y);
      } else if (x.nodeValue !== y.nodeValue) {
        x.nodeValue = y.nodeValue;
      }
    }
    while (have.length > want.length) a.removeChild(a.lastChild);
  }

  function show(html) {
    var block = liveBlock();
    if (!block || block.getAttribute("data-run") !== run) {
      queue = []; // the page was redrawn (paused, reset): these frames are stale
      return;
    }
    var parsed = document.createElement("template");
    parsed.innerHTML = html;
    var next = parsed.content.firstElementChild;
    if (next) morph(block, next);
  }

  function median(xs) {
    var sorted = xs.slice().sort(function (a, b) {
      return a - b;
    });
    return sorted[Math.floor(sorted.length / 2)];
  }

  function tick(now) {
    if (queue.length && (queue.length > perMessage || now - lastShown >= gap * 0.8)) {
      show(queue.shift());
      lastShown = now;
    }
    if (queue.length) {
      requestAnimationFrame(tick);
    } else {
      ticking = false;
    }
  }

  function drawNetwork(net) {
    if (window.xentNet) {
      window.xentNet.drawAt(net[0], net[1]);
    } else {
      (window.xentNetPending = window.xentNetPending || []).push(net);
    }
  }

  window.xentLive = {
    morph: morph,
    // Read the frames of the script run `token` from the websocket at `path` (this origin).
    listen: function (token, path) {
      if (socket) socket.close();
      var origin = location.origin.replace(/^http/, "ws");
      var opened = new WebSocket(origin + path);
      socket = opened;
      opened.onmessage = function (event) {
        var message = JSON.parse(event.data);
        window.xentLive.play(token, message.frames);
        if (message.net) drawNetwork(message.net);
      };
      opened.onclose = function () {
        if (socket === opened) socket = null;
      };
    },
    // Frames of the script run `token`, oldest first.
    play: function (token, frames) {
      var now = performance.now();
      if (token !== run) {
        run = token;
        queue = [];
        lastMessage = 0;
        intervals = [];
        gap = 0;
      }
      if (lastMessage) {
        intervals.push(now - lastMessage);
        if (intervals.length > 5) intervals.shift();
        gap = Math.min(100, median(intervals) / frames.length);
      }
      lastMessage = now;
      perMessage = frames.length;
      for (var k = 0; frames.length > k; k++) queue.push(frames[k]);
      // A busy tab falls behind: keep at most two messages' frames, the newest.
      while (queue.length > 2 * frames.length) queue.shift();
      if (!ticking) {
        ticking = true;
        requestAnimationFrame(tick);
      }
    },
  };
})();
