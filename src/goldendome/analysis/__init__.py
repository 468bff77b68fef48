"""Architecture studies on top of the physics: constellation sizing now; coverage statistics and cost later."""
