-- Runs once, when the PostgreSQL volume is created: Ponte's own database beside Temporal's.
CREATE DATABASE ponte;
