"""The privacy pages take no input but a confirmation button."""
