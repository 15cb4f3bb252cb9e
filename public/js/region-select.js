// Narrows the city list to the chosen province. Without JavaScript the full
// list, grouped by province, still works and the server checks the pair.
(function () {
  document.querySelectorAll('select[data-city-select]').forEach(function (province) {
    var city = document.getElementById(province.getAttribute('data-city-select'));
    if (!city) return;
    function sync() {
      city.querySelectorAll('optgroup').forEach(function (group) {
        var match = group.getAttribute('data-province') === province.value;
        group.hidden = !match;
        group.disabled = !match;
      });
      var selected = city.options[city.selectedIndex];
      if (selected && selected.parentElement && selected.parentElement.disabled) city.value = '';
    }
    province.addEventListener('change', sync);
    sync();
  });
})();
