/* The policy page's chart: revenue per unit under each rule set (Chart.js, served by the app). */
(function () {
  var data = JSON.parse(document.getElementById("policy-data").textContent);
  var colours = ["#1b6b3a", "#2f80c1", "#d98c1a", "#8e44ad", "#c0392b", "#7f8c8d", "#16a085"];
  new Chart(document.getElementById("policy-chart"), {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (s, i) {
        return {label: s.label, data: s.data, backgroundColor: colours[i % colours.length]};
      })
    },
    options: {
      animation: false,
      scales: {y: {ticks: {callback: function (v) { return "Rp " + v.toLocaleString("id-ID"); }}}}
    }
  });
})();
