"""Exchange rates: the bundled ECB reference rates, rates entered by hand or imported."""
