-- hangar_fdw 0.1 install script: the foreign-data wrapper.
\echo Use "CREATE EXTENSION hangar_fdw" to load this file. \quit

CREATE FUNCTION hangar_fdw_handler()
RETURNS fdw_handler
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FUNCTION hangar_fdw_validator(text[], oid)
RETURNS void
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FOREIGN DATA WRAPPER hangar_fdw
  HANDLER hangar_fdw_handler
  VALIDATOR hangar_fdw_validator;
