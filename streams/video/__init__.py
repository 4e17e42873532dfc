"""Video with PyAV: reading clips, mezzanines, montage, crossfades, fMP4 boxes and fragments, HLS, faststart."""
