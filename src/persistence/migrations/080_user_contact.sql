-- How a person is reached outside the app (联系方式): e-mail for the SMTP channel, a mobile number for the
-- SMS gateway. Both optional; a user without one is simply not sent that channel.
ALTER TABLE app_user ADD COLUMN email text CHECK (email IS NULL OR (length(email) <= 254 AND email LIKE '%_@_%'));
ALTER TABLE app_user ADD COLUMN phone text CHECK (phone IS NULL OR phone ~ '^\+?[0-9]{5,20}$');
