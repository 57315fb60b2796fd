-- catalog_moved() fails the statement that calls it with SQLSTATE CA001, which the
-- store reads as ErrCatalogMoved. A sale's subscription INSERT calls it when the
-- catalogue is no longer at the generation the sale was priced at, so that the
-- INSERT can be sent without waiting for its answer: a statement that wrote no row
-- would let the COMMIT sent after it succeed, one that fails aborts the transaction.
CREATE FUNCTION catalog_moved() RETURNS BOOLEAN LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RAISE EXCEPTION 'the catalogue changed' USING ERRCODE = 'CA001';
END
$$;
