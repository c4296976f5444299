"""Pure Arabic text work: cleaning, matching keys, segmentation. No Kafka here."""
