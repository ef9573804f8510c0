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

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("article.event").forEach(wireEvent);
    document.querySelectorAll('.job[data-finished="false"]').forEach(followJob);
  });
})();
