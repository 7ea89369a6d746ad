package org.paperboy.templates;

/** A template that does not render. The message starts with {@code file:line:column:}. */
public final class TemplateException extends RuntimeException {
    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
