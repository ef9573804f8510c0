/* counterpoint web app: light the spans of a fact, figure, entity or date; follow an ingest. */
(function () {
  "use strict";

  function spansFor(scope, kind, key) {
    return Array.prototype.filter.call(scope.querySelectorAll(".hl[data-" + kind + "]"), function (el) {
      return el.getAttribute("data-" + kind).split(" ").indexOf(key) !== -1;
    });
  }

  function light(scope, item, on) {
    spansFor(scope, item.getAttribute("data-target"), item.getAttribute("data-key")).forEach(function (el) {
      el.classList.toggle("lit", on);
    });
  }

  function relight(scope) {
    scope.querySelectorAll(".hl.lit").forEach(function (el) { el.classList.remove("lit"); });
    scope.querySelectorAll("[data-target].pinned").forEach(function (item) { light(scope, item, true); });
  }

  function reveal(scope, item) {
    var spans = spansFor(scope, item.getAttribute("data-target"), item.getAttribute("data-key"));
    scope.querySelectorAll(".body").forEach(function (body) {
      var first = spans.filter(function (el) { return body.contains(el); })[0];
      if (first && body.scrollHeight > body.clientHeight) {
        body.scrollTo({ top: Math.max(0, first.offsetTop - body.offsetTop - body.clientHeight / 3), behavior: "smooth" });
      }
    });
  }

  function select(scope, item, on) {
    item.classList.toggle("pinned", on);
    item.setAttribute("aria-pressed", on ? "true" : "false");
    relight(scope);
    if (on) { reveal(scope, item); }
  }

  function wireEvent(scope) {
    scope.querySelectorAll("[data-target]").forEach(function (item) {
      item.addEventListener("mouseenter", function () { light(scope, item, true); });
      item.addEventListener("mouseleave", function () { relight(scope); });
      item.addEventListener("click", function (event) {
        if (event.target.closest("a")) { return; }
        select(scope, item, !item.classList.contains("pinned"));
      });
      item.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          select(scope, item, !item.classList.contains("pinned"));
        }
      });
    });
    // A fact's span in an article selects that fact in the list.
    scope.querySelectorAll(".hl[data-fact]").forEach(function (el) {
      el.addEventListener("click", function () {
        var keys = el.getAttribute("data-fact").split(" ");
        scope.querySelectorAll('.fact-card[data-target="fact"]').forEach(function (card) {
          var hit = keys.indexOf(card.getAttribute("data-key")) !== -1;
          card.classList.toggle("pinned", hit);
          card.setAttribute("aria-pressed", hit ? "true" : "false");
          if (hit) { card.scrollIntoView({ block: "nearest", behavior: "smooth" }); }
        });
        relight(scope);
      });
    });
  }

  function followJob(box) {
    var id = box.getAttribute("data-job");
    var state = document.getElementById("job-state");
    var message = document.getElementById("job-message");
    var bar = document.getElementById("job-progress");
    function poll() {
      fetch("/api/jobs/" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          var job = body.job;
          if (!job) { return; }
          state.textContent = job.state;
          message.textContent = job.message;
          if (bar) {
            bar.max = Math.max(job.total, 1);
            bar.value = job.done;
          }
          if (job.finished) { window.location.reload(); } else { window.setTimeout(poll, 400); }
        })
        .catch(function () { window.setTimeout(poll, 2000); });
    }
    poll();
  }

  var STATUSES = [["agreed", "agreed"], ["conflicting", "conflicting"], ["single_source", "single-source"]];

  function showAgreement(box, body) {
    var facts = body.facts;
    var total = STATUSES.reduce(function (sum, s) { return sum + facts[s[0]]; }, 0);
    var bar = box.querySelector(".agree-bar");
    var text = box.querySelector(".agree-text");
    bar.textContent = "";
    text.textContent = "";
    if (total) {
      bar.setAttribute("role", "img");
      bar.setAttribute("aria-label", STATUSES.map(function (s) { return facts[s[0]] + " " + s[1]; }).join(", ") + " facts");
    } else {
      bar.remove();
    }
    STATUSES.forEach(function (s) {
      if (total && facts[s[0]]) {
        var seg = document.createElement("span");
        seg.className = "seg seg-" + s[0];
        seg.style.width = (100 * body.agreement[s[0]]).toFixed(1) + "%";
        bar.appendChild(seg);
      }
      var dot = document.createElement("span");
      dot.className = "dot dot-" + s[0];
      text.appendChild(dot);
      text.appendChild(document.createTextNode(facts[s[0]] + " " + s[1] + " "));
    });
    box.classList.remove("pending");
    box.removeAttribute("aria-busy");
  }

  // An event's agreement takes its comparison, a second or more for a large event: the list
  // comes first, and the bars it does not have yet are filled in one at a time, top first.
  function fillAgreements(boxes) {
    boxes.reduce(function (previous, box) {
      return previous.then(function () {
        return fetch(box.getAttribute("data-agreement"), { headers: { Accept: "application/json" } })
          .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
          .then(function (body) { showAgreement(box, body); })
          .catch(function () { box.querySelector(".agree-text").textContent = "facts not counted"; });
      });
    }, Promise.resolve());
  }

  document.addEventListener("DOMContentLoaded", function () {
    fillAgreements(Array.prototype.slice.call(document.querySelectorAll(".agreement[data-agreement]")));
    document.querySelectorAll("article.event").forEach(wireEvent);
    document.querySelectorAll('.job[data-finished="false"]').forEach(followJob);
  });
})();
