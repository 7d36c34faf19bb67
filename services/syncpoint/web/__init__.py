"""A small server-rendered web view for directors (plain HTML, no scripts, no CDN)."""
