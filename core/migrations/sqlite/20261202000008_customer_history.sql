-- A customer's earlier contacts are shown while a new one is logged: found by reference (or
-- its pseudonym) without reading the whole journal.
CREATE INDEX contacts_by_customer ON contacts (customer_ref) WHERE customer_ref IS NOT NULL;
