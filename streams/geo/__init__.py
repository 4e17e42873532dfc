"""Places: ISO 6709 coordinates, the GeoNames gazetteer of names, and offline reverse geocoding."""
