"""E-mail: message templates, the SMTP transport and calendar invites; messages are sent from the outbox by jobs."""
