"""The web app (`reviewer serve`): paste or upload a report, see it marked up, keep the history."""
