from cms.navigation import main_menu


def navigation(request):
    """The public main menu, on every page (the header shows it)."""
    return {"nav_items": main_menu()}
