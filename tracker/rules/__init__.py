"""Rules that read statements out of sentences (see ``figures``)."""
