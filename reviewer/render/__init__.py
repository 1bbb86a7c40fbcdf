"""Renderers: text, JSON, markdown, HTML, Word and Excel outputs of a Review."""
