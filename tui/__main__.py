from tui.app import run

run()
