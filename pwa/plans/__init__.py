"""Personal Health Plans: goals agreed with the trainer, and their progress from the diary."""
