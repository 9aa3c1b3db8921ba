/* Fixture: a run header. */
