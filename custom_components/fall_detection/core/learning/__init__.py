"""On-device learning: pose features, a numpy classifier, the labelled dataset, promotion."""
