DROP TABLE dispatch_pauses;
--bun:split
DROP TABLE dispatch_leases;
