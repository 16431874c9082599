// The proposal on a map: the instance's dwellings at their nodes, matched
// or free; tiles only when the deployment names a tile server.
(function () {
  var element = document.getElementById("map");
  var source = document.getElementById("map-data");
  if (!element || !source || !window.L) return;
  var data = JSON.parse(source.textContent);
  var map = L.map(element, { attributionControl: false });
  if (element.dataset.tiles) L.tileLayer(element.dataset.tiles, { maxZoom: 18 }).addTo(map);
  var bounds = [];
  data.points.forEach(function (p) {
    var matched = p.household !== "";
    L.circleMarker([p.lat, p.lon], {
      radius: 4 + p.bedrooms, weight: 1, color: matched ? "#0b5cad" : "#6b7785",
      fillColor: matched ? "#0b5cad" : "#c4ccd4", fillOpacity: matched ? 0.7 : 0.5
    }).bindTooltip(p.id + (matched ? " → " + p.household : "") + " · " + p.bedrooms + " bd").addTo(map);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length) map.fitBounds(bounds, { padding: [20, 20] });
  else map.setView(data.centre, 12);
})();
