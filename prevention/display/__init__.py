"""How the product words things, the same on every channel: pages, feeds, briefs, exports.

Statuses (shape, colour, meaning), coverage in words, and text from outside made inert for
markdown, links and spreadsheets. Pure: no Streamlit, no database.
"""
