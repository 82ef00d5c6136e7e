x = 1


    
# no newline at end