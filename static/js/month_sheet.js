/*
 * The attendance month sheet (templates/guidance/attendance/month.html).
 *
 * Each editable day is a <button class="att-cell"> carrying its value (data-value) and the
 * value it had in the database when the page was made (data-loaded). Keys: one letter per
 * status (see the legend on the page), Delete/Backspace clears, arrow keys move, Tab moves to
 * the next day, Enter to the next client (Shift+Enter back). A click (or Space) opens a list
 * to choose from. Saving sends every cell whose value differs from its loaded value, with the
 * loaded value, as JSON in one POST; the server refuses changes to cells someone else has
 * changed meanwhile. The totals (per client at the end of its row, per day at the foot) count
 * what the sheet shows and follow each change; the page made after a save counts them anew.
 * The list opened by a click stays inside the window, however narrow. No dependencies, no
 * build step.
 */
(function () {
  "use strict";

  var table = document.getElementById("att-sheet");
  var form = document.getElementById("att-form");
  if (!table || !form || !table.tBodies.length) {
    return;
  }
  var statuses = JSON.parse(document.getElementById("att-statuses").textContent);
  var texts = JSON.parse(document.getElementById("att-texts").textContent);
  var statusLine = document.getElementById("att-status");
  var cellsInput = form.querySelector('input[name="cells"]');
  var reasonInput = form.querySelector('input[name="reason"]');
  var locked = form.getAttribute("data-locked") === "1";
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var byKey = {};
  var byCode = {};
  var submitting = false;

  statuses.forEach(function (status) {
    byKey[status.key] = status;
    byCode[status.code] = status;
  });

  function cellOf(element) {
    return element && element.closest ? element.closest("button.att-cell") : null;
  }

  function label(code) {
    return code && byCode[code] ? byCode[code].label : texts.noEntry;
  }

  function userChanges() {
    return table.querySelectorAll("button.att-cell.att-changed").length;
  }

  function updateReason() {
    if (reasonInput) {
      reasonInput.required = locked && userChanges() > 0;
    }
  }

  function announce(text) {
    var count = userChanges();
    statusLine.textContent = text + (count ? ". " + texts.unsaved.replace("%s", count) : "");
  }

  function setValue(cell, code) {
    var old = cell.getAttribute("data-value");
    if (old) {
      cell.classList.remove("att-s-" + old);
    }
    cell.setAttribute("data-value", code);
    if (code) {
      cell.classList.add("att-s-" + code);
    }
    cell.classList.remove("att-default", "att-conflict");
    cell.classList.toggle("att-changed", code !== cell.getAttribute("data-loaded"));
    cell.textContent = code && byCode[code] ? byCode[code].letter : "";
    var text = cell.getAttribute("data-prefix") + ": " + label(code);
    cell.setAttribute("aria-label", text);
    updateReason();
    updateTotals(cell);
    announce(text);
  }

  // --- totals -------------------------------------------------------------------------------

  function countKinds(cells) {
    var counts = { present: 0, absent: 0 };
    Array.prototype.forEach.call(cells, function (cell) {
      var status = byCode[cell.getAttribute("data-value")];
      if (status && status.total) {
        counts[status.total] += 1;
      }
    });
    return counts;
  }

  function updateTotals(cell) {
    var rowCounts = countKinds(cell.closest("tr").querySelectorAll("button.att-cell"));
    var column = cell.getAttribute("data-col");
    var dayCounts = countKinds(
      table.tBodies[0].querySelectorAll('button.att-cell[data-col="' + column + '"]')
    );
    ["present", "absent"].forEach(function (kind) {
      var rowTotal = cell.closest("tr").querySelector('[data-total="' + kind + '"]');
      var dayTotal = table.querySelector(
        'tfoot [data-day-total="' + kind + '"][data-col="' + column + '"]'
      );
      if (rowTotal) {
        rowTotal.textContent = String(rowCounts[kind]);
      }
      if (dayTotal) {
        dayTotal.textContent = String(dayCounts[kind]);
      }
    });
  }

  // --- moving -------------------------------------------------------------------------------

  function rowCells(cell) {
    return Array.prototype.slice.call(cell.closest("tr").querySelectorAll("button.att-cell"));
  }

  function moveAlongRow(cell, step) {
    var list = rowCells(cell);
    var index = list.indexOf(cell) + step;
    if (index >= 0 && index < list.length) {
      list[index].focus();
    }
  }

  function moveToEnd(cell, last) {
    var list = rowCells(cell);
    list[last ? list.length - 1 : 0].focus();
  }

  function moveAcrossRows(cell, step) {
    var column = cell.getAttribute("data-col");
    for (var r = rows.indexOf(cell.closest("tr")) + step; r >= 0 && r < rows.length; r += step) {
      var target = rows[r].querySelector('button.att-cell[data-col="' + column + '"]');
      if (target) {
        target.focus();
        return;
      }
    }
  }

  table.addEventListener("keydown", function (event) {
    var cell = cellOf(event.target);
    if (!cell || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    switch (event.key) {
      case "ArrowLeft":
        moveAlongRow(cell, -1);
        break;
      case "ArrowRight":
        moveAlongRow(cell, 1);
        break;
      case "ArrowUp":
        moveAcrossRows(cell, -1);
        break;
      case "ArrowDown":
        moveAcrossRows(cell, 1);
        break;
      case "Enter":
        moveAcrossRows(cell, event.shiftKey ? -1 : 1);
        break;
      case "Home":
        moveToEnd(cell, false);
        break;
      case "End":
        moveToEnd(cell, true);
        break;
      case "Delete":
      case "Backspace":
        setValue(cell, "");
        break;
      default: {
        var status = event.key.length === 1 ? byKey[event.key.toLowerCase()] : null;
        if (!status) {
          return;
        }
        setValue(cell, status.code);
      }
    }
    event.preventDefault();
  });

  // --- choosing with the mouse ----------------------------------------------------------------

  var picker = document.createElement("select");
  var pickerCell = null;
  picker.className = "form-select form-select-sm att-picker";
  picker.size = statuses.length + 1;
  picker.hidden = true;
  picker.setAttribute("aria-label", texts.choose);
  picker.add(new Option("– " + texts.noEntry, ""));
  statuses.forEach(function (status) {
    picker.add(new Option(status.letter + " – " + status.label, status.code));
  });
  document.body.appendChild(picker);

  var MARGIN = 8; // px kept free between the list and the window's edges

  function openPicker(cell) {
    var box = cell.getBoundingClientRect();
    var viewWidth = document.documentElement.clientWidth;
    var viewHeight = document.documentElement.clientHeight;
    pickerCell = cell;
    picker.value = cell.getAttribute("data-value");
    picker.hidden = false; // shown first: its size is known only then
    var width = picker.offsetWidth;
    var height = picker.offsetHeight;
    // Below the cell, else above it, else as low as fits; from the cell's left edge, moved
    // left as far as needed to stay inside the window.
    var left = Math.max(MARGIN, Math.min(box.left, viewWidth - width - MARGIN));
    var top = box.bottom;
    if (top + height > viewHeight - MARGIN) {
      top = box.top - height >= MARGIN ? box.top - height : viewHeight - height - MARGIN;
    }
    picker.style.left = window.scrollX + Math.max(MARGIN, left) + "px";
    picker.style.top = window.scrollY + Math.max(MARGIN, top) + "px";
    picker.focus();
  }

  function closePicker(apply) {
    var cell = pickerCell;
    if (!cell) {
      return;
    }
    pickerCell = null;
    picker.hidden = true;
    if (apply && picker.value !== cell.getAttribute("data-value")) {
      setValue(cell, picker.value);
    }
    cell.focus();
  }

  table.addEventListener("click", function (event) {
    var cell = cellOf(event.target);
    if (cell) {
      openPicker(cell);
    }
  });
  picker.addEventListener("mouseup", function () {
    window.setTimeout(function () {
      closePicker(true);
    }, 0);
  });
  picker.addEventListener("keydown", function (event) {
    if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      closePicker(true);
    } else if (event.key === "Escape") {
      event.preventDefault();
      closePicker(false);
    }
  });
  picker.addEventListener("blur", function () {
    if (pickerCell) {
      pickerCell = null;
      picker.hidden = true;
    }
  });

  // --- saving -------------------------------------------------------------------------------

  form.addEventListener("submit", function () {
    var changed = [];
    Array.prototype.forEach.call(table.querySelectorAll("button.att-cell"), function (cell) {
      var value = cell.getAttribute("data-value");
      var loaded = cell.getAttribute("data-loaded");
      if (value !== loaded) {
        changed.push({
          client: cell.getAttribute("data-client"),
          date: cell.getAttribute("data-date"),
          status: value,
          loaded: loaded,
        });
      }
    });
    cellsInput.value = JSON.stringify(changed);
    submitting = true;
    statusLine.textContent = texts.saving;
  });

  window.addEventListener("beforeunload", function (event) {
    if (!submitting && userChanges()) {
      event.preventDefault();
      event.returnValue = texts.leave;
    }
  });

  updateReason();
})();
