<%@ page session="false" %><%--
  The context root redirects to the index page. A welcome file rather than a servlet mapped to "" (the Servlet
  spec's pattern for the context root): Payara ignores that mapping and answers 404, every container honours this.
--%><% response.sendRedirect(request.getContextPath() + "/chat/"); %>
