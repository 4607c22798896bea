package dev.rankscope.views.service;

/** The workbench's colour themes; each maps to one stylesheet under {@code resources/}. */
public enum Theme {
    LIGHT("light.css"), DARK("dark.css");

    private final String stylesheet;

    Theme(String stylesheet) {
        this.stylesheet = stylesheet;
    }

    /** Stylesheet file name relative to {@code dev/rankscope/views/theme/}. */
    public String stylesheet() {
        return stylesheet;
    }
}
