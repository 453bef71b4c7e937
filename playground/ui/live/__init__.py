"""The live component: keeps Plotly figures mounted in the page and updates them."""
