"""Email: messages built from templates (``compose``) and sent by SMTP or written as files
(``transport``). Neither reads the database: the worker hands them rows and records results."""
