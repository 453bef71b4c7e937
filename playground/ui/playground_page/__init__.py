"""The playground page: the stage, its controls, views and menus."""
