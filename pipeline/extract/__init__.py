"""Pure extraction over a Document: statements, speakers, topics, entities, keywords."""
