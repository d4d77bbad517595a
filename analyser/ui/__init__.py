"""The Streamlit pages. Rendering only: every result comes from the library (analyser.pipeline & co)."""
