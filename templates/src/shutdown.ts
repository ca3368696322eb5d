# TODO placeholder for <%= appName %>
