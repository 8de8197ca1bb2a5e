// Autosave for the vendor's section page: each answer is sent on its own as the vendor types,
// checked against its revision; the plain "Save this section" button keeps working without this.
(function () {
  "use strict";
  var form = document.getElementById("section-form");
  if (!form || form.getAttribute("data-autosave") !== "on" || !window.fetch) return;
  var csrf = form.querySelector('input[name="_csrf"]').value;
  var status = document.getElementById("save-status");
  var pending = {};
  var timers = {};

  function fieldsOf(box) {
    var key = box.getAttribute("data-key");
    var q = [],
      p;
    var inputs = box.querySelectorAll('[name="q_' + key + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) q.push(el.value);
      } else q.push(el.value);
    }
    var price = box.querySelector('[name="p_' + key + '"]');
    if (price) p = price.value;
    var single = box.getAttribute("data-type") !== "multi_choice";
    var out = { q: single ? q[0] || "" : q, p: p };
    var nk = box.querySelector('[name="nk_' + key + '"]');
    if (nk && nk.checked) {
      out.nk = true;
      out.nkr = box.querySelector('[name="nkr_' + key + '"]').value;
    }
    var note = box.querySelector('[name="n_' + key + '"]');
    if (note) out.n = note.value;
    return out;
  }

  function say(box, text, isError) {
    var el = box.querySelector("[data-state]");
    if (el) {
      el.textContent = text;
      el.className = "save-state" + (isError ? " error" : "");
    }
  }

  function setStatus() {
    var n = Object.keys(pending).length;
    status.textContent = n ? "Saving…" : "All changes saved.";
  }

  function applyProgress(progress, shown) {
    if (progress) {
      var text = document.querySelector("[data-progress-text]");
      if (text) text.textContent = progress.answered + " of " + progress.required;
      var nk = document.querySelector("[data-progress-nk]");
      if (nk) nk.textContent = progress.notKnown ? ", " + progress.notKnown + " not known yet" : "";
      var bar = document.querySelector("[data-progress-bar]");
      if (bar)
        bar.className = "w-" + (progress.required ? Math.round((20 * progress.answered) / progress.required) * 5 : 100);
      var pb = document.querySelector('[role="progressbar"]');
      if (pb) {
        pb.setAttribute("aria-valuenow", progress.answered);
        pb.setAttribute("aria-valuemax", progress.required);
      }
    }
    if (shown)
      Object.keys(shown).forEach(function (key) {
        var box = document.getElementById("q-" + key);
        if (box) box.hidden = !shown[key];
      });
  }

  function save(box, attempt) {
    var key = box.getAttribute("data-key");
    var rev = box.querySelector('[name="rev_' + key + '"]');
    var body = fieldsOf(box);
    // "Not known yet" ticked without its reason yet: the rest is saved as it stands, and the box once the reason is typed.
    var needsReason = body.nk && !body.nkr.trim();
    if (needsReason) {
      delete body.nk;
      delete body.nkr;
    }
    body.revision = Number(rev.value);
    pending[key] = true;
    setStatus();
    say(box, "Saving…");
    fetch("/portal/answers/" + encodeURIComponent(key), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "x-csrf-token": csrf },
      body: JSON.stringify(body),
    })
      .then(function (res) {
        return res.json().then(
          function (data) {
            return { status: res.status, data: data };
          },
          function () {
            return { status: res.status, data: {} };
          },
        );
      })
      .then(
        function (r) {
          delete pending[key];
          if (r.status === 200) {
            rev.value = r.data.revision;
            box.classList.remove("has-error", "has-conflict");
            say(box, needsReason ? "Say in a few words why it is not known yet: it is saved once you have." : "Saved");
            applyProgress(r.data.progress, r.data.shown);
          } else if (r.status === 409 && r.data.current) {
            conflict(box, rev, r.data.current);
          } else if (r.status === 503) {
            // Nothing was written (the server is busy or out of space): the answer stays here and goes again by itself.
            var e = (r.data && r.data.error) || {};
            var seconds = Math.min(120, (e.retryAfter || 5) * Math.pow(2, Math.min(attempt || 0, 3)));
            var why = e.id === "disk_full" ? "the server is out of disk space" : "the server is busy";
            pending[key] = true;
            box.classList.add("has-error");
            say(
              box,
              "Not saved yet: " + why + ". Your answer is kept here and will be sent again in " + seconds + " s.",
              true,
            );
            status.textContent = "Not saved yet — retrying…";
            setTimeout(function () {
              save(box, (attempt || 0) + 1);
            }, seconds * 1000);
            return;
          } else if (r.status === 401 && r.data && r.data.error) {
            pending[key] = true;
            box.classList.add("has-error");
            say(box, r.data.error.message + " Your answer is still in the field: copy it if you need it.", true);
            status.textContent = "Session ended — open your link again.";
            return;
          } else if (r.data && r.data.error) {
            box.classList.add("has-error");
            say(box, "Not saved: " + r.data.error.message, true);
          } else {
            say(box, "Not saved (the server answered " + r.status + "). Use “Save this section”.", true);
          }
          setStatus();
        },
        function () {
          var delay = Math.min(30000, 2000 * Math.pow(2, attempt || 0));
          say(
            box,
            "You seem to be offline. Your answer is kept here and will be saved when the connection is back.",
            true,
          );
          status.textContent = "Offline — retrying…";
          setTimeout(function () {
            save(box, (attempt || 0) + 1);
          }, delay);
        },
      );
  }

  function conflict(box, rev, current) {
    box.classList.add("has-conflict");
    var el = box.querySelector("[data-state]");
    el.className = "save-state error";
    el.textContent = "";
    var p = document.createElement("span");
    p.textContent =
      "Changed by " +
      current.by +
      " while you were editing. Their answer: “" +
      current.theirs +
      "”. Yours is still in the field. ";
    var keep = document.createElement("button");
    keep.type = "button";
    keep.className = "link";
    keep.textContent = "Keep mine";
    keep.addEventListener("click", function () {
      rev.value = current.revision;
      box.classList.remove("has-conflict");
      save(box);
    });
    var theirs = document.createElement("button");
    theirs.type = "button";
    theirs.className = "link";
    theirs.textContent = "Use theirs (reload)";
    theirs.addEventListener("click", function () {
      window.location.reload();
    });
    el.appendChild(p);
    el.appendChild(keep);
    el.appendChild(document.createTextNode(" · "));
    el.appendChild(theirs);
  }

  function schedule(e) {
    var box = e.target.closest(".question");
    // Replies and uploads sit inside a question but belong to their own forms: they are not answers.
    if (!box || e.target.form !== form) return;
    var key = box.getAttribute("data-key");
    clearTimeout(timers[key]);
    pending[key] = true;
    setStatus();
    if (e.type === "change" && e.target.name === "nk_" + key && e.target.checked) {
      var reason = box.querySelector('[name="nkr_' + key + '"]');
      if (reason && !reason.value.trim()) reason.focus();
    }
    timers[key] = setTimeout(
      function () {
        save(box);
      },
      e.type === "change" ? 150 : 800,
    );
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  window.addEventListener("beforeunload", function (e) {
    if (Object.keys(pending).length) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
})();
