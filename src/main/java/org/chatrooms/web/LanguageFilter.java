package org.chatrooms.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Chooses the page language from {@code Accept-Language} and hands it to the JSPs as the request attribute
 * {@value #ATTRIBUTE} (a {@link UiText}). A filter rather than the pages servlet, so that the container's own
 * error pages (a 404 for any path) speak the same language.
 */
public final class LanguageFilter extends HttpFilter {

    public static final String ATTRIBUTE = "text";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getAttribute(ATTRIBUTE) == null) {
            request.setAttribute(ATTRIBUTE, UiText.forAcceptLanguage(request.getHeader("Accept-Language")));
        }
        chain.doFilter(request, response);
    }

    /** The language chosen for this request; English if the filter did not run (e.g. a misconfigured deployment). */
    public static UiText of(HttpServletRequest request) {
        Object text = request.getAttribute(ATTRIBUTE);
        return text instanceof UiText chosen ? chosen : UiText.forAcceptLanguage(null);
    }
}
