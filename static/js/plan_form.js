// The plan form: "add a goal" copies the empty goal form (no inline script: CSP).
(function () {
    var button = document.getElementById("add-goal");
    var total = document.getElementById("id_goals-TOTAL_FORMS");
    var template = document.getElementById("goal-empty-form");
    var list = document.getElementById("goal-forms");
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, index).replace(/__number__/g, index + 1);
      list.insertAdjacentHTML("beforeend", html);
      total.value = index + 1;
      var added = list.lastElementChild.querySelector("textarea");
      if (added) { added.focus(); }
    });
  })();
